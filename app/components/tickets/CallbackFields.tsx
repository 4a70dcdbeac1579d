import { TextareaField } from "~/components/Field";
import { t } from "~/i18n";
import { keysOf } from "~/lib/keys";
import { RadioGroup } from "./RadioGroup";

const D = t.tickets.detail;
const scores = ["1", "2", "3", "4", "5"].map((v) => ({ value: v, label: v }));

/** 回访: resolved or not, satisfied or not, three 1–5 scores and a comment — for the centre and the reporter alike. */
export function CallbackFields({ idPrefix, errors = {} }: { idPrefix: string; errors?: Record<string, string[]> }) {
  return (
    <>
      <RadioGroup
        name="resolution"
        idPrefix={`${idPrefix}-resolution`}
        legend={D.resolution}
        options={keysOf(t.tickets.resolutions).map((v) => ({ value: v, label: t.tickets.resolutions[v] }))}
        errors={errors.resolution}
        required
      />
      <RadioGroup
        name="satisfaction"
        idPrefix={`${idPrefix}-satisfaction`}
        legend={D.satisfaction}
        options={keysOf(t.tickets.satisfactions).map((v) => ({ value: v, label: t.tickets.satisfactions[v] }))}
        errors={errors.satisfaction}
        required
      />
      {(["speed", "effect", "attitude"] as const).map((k) => (
        <RadioGroup
          key={k}
          name={k}
          idPrefix={`${idPrefix}-${k}`}
          legend={D[k]}
          hint={k === "speed" ? D.scoreHint : undefined}
          options={scores}
          compact
          errors={errors[k]}
          required
        />
      ))}
      <TextareaField name="comment" id={`${idPrefix}-comment`} label={D.comment} rows={2} maxLength={500} />
    </>
  );
}
