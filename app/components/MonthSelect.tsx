/** A month filter (GET forms on the rates and ranking pages): the months offered, newest first, as 2026年3月. */
import { monthLabel } from "~/lib/rates-format";

export function MonthSelect({
  id,
  label,
  months,
  value,
}: {
  id: string;
  label: string;
  months: string[];
  value: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name="month" defaultValue={value}>
        {months.map((m) => (
          <option key={m} value={m}>
            {monthLabel(m)}
          </option>
        ))}
      </select>
    </div>
  );
}
