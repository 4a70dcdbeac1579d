/** The head of a rules-as-data page (/admin/rules/*): its title, what it governs, and the last save's confirmation. */
export function RulesIntro(props: { heading: string; intro: string; saved?: string }) {
  return (
    <>
      <h3>{props.heading}</h3>
      <p className="muted">{props.intro}</p>
      {props.saved ? (
        <p className="form-ok" role="status">
          {props.saved}
        </p>
      ) : null}
    </>
  );
}
