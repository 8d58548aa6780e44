/**
 * The private link of a ticket, for the reporter who filed it: open right after filing, folded away on
 * later visits. Plain HTML: the link is selectable text, no JavaScript needed.
 */
export function PrivateLink({ url, open }: { url: string; open: boolean }) {
  return (
    <details class="card private-link" open={open}>
      <summary>Keep this link to come back from any device</summary>
      <p class="hint" id="private-link-hint">
        Anyone with this link can read this ticket and add it to their My tickets, so keep it to yourself. It
        opens only this ticket, never your other ones.
      </p>
      <label for="private-link" class="sr-only">Private link to this ticket</label>
      {/* A read-only text area, so the whole link wraps into view on a phone and selects in one go. */}
      <textarea
        id="private-link"
        class="private-link__url"
        rows={2}
        readOnly
        aria-describedby="private-link-hint"
      >
        {url}
      </textarea>
    </details>
  );
}
