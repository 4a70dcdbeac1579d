import { Form } from "@remix-run/react";
import { Field } from "~/components/Field";

/** A list's search by a typed part of a name: a GET form whose `q` the list's loader reads. */
export function SearchForm(props: { id: string; label: string; hint?: string; q: string; button: string }) {
  return (
    <Form method="get" className="inline-form" role="search">
      <Field name="q" id={props.id} label={props.label} hint={props.hint} defaultValue={props.q} type="search" />
      <button type="submit" className="button">
        {props.button}
      </button>
    </Form>
  );
}
