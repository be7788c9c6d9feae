/**
 * The problem lines forms show, announced as alerts: one under the field it concerns, one for
 * the form or section as a whole. Nothing is rendered without a message.
 */

/** `id` lets the field name it in aria-describedby. */
export function FieldProblem({ id, message }: { id?: string; message: string | null | undefined }) {
  return message ? (
    <p id={id} class="field-problem" role="alert">
      {message}
    </p>
  ) : null;
}

export function FormProblem({ message }: { message: string | null | undefined }) {
  return message ? (
    <p class="form-problem" role="alert">
      {message}
    </p>
  ) : null;
}
