import { councilStages, type CouncilStage } from "../../../db/schema/councils";
import { t } from "~/i18n";

/** The seven stages in order, the current one marked: where the council stands at a glance. */
export function StageBar({ stage }: { stage: CouncilStage }) {
  const at = councilStages.indexOf(stage);
  return (
    <ol className="stage-bar" aria-label={t.councils.council.stageHeading}>
      {councilStages.map((s, i) => (
        <li
          key={s}
          className={i < at ? "done" : i === at ? "current" : undefined}
          aria-current={i === at ? "step" : undefined}
        >
          {t.councils.stages[s]}
        </li>
      ))}
    </ol>
  );
}
