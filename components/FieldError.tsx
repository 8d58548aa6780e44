/** The error message shown under a form field; its id is what the field's aria-describedby names. */
export function FieldError({ id, message }: { id: string; message?: string | null }) {
  return message ? <p class="field-error" id={id} role="alert">{message}</p> : null;
}
