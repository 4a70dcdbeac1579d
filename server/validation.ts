/** Input rules more than one domain's forms share, with their Chinese messages. */
import { z } from "zod";

/** Required text, trimmed, at most `max` characters. */
export const text = (max: number, message: string) => z.string().trim().min(1, message).max(max, `不能超过 ${max} 字`);

/** A 1–5 score (a callback's, a whistle's evaluation). */
export const score = z.coerce.number({ message: "请评 1–5 分" }).int().min(1, "请评 1–5 分").max(5, "请评 1–5 分");
