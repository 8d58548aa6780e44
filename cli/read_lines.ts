/**
 * Reads a byte stream as text lines without holding the whole file in memory: the bytes are counted, cut
 * into lines at "\n" and each line decoded strictly as UTF-8, so a line that is not UTF-8 is reported by its
 * number instead of being imported with "�" in it.
 */

/**
 * What a line that is not valid UTF-8 is yielded as: this mark, then where its first bad byte is. A lone
 * surrogate cannot come out of decoding UTF-8, so no real line starts with it.
 */
export const INVALID_UTF8_MARK = "\ud800";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The line's text, or the mark with the offset of its first byte that is not UTF-8. */
function decodeLine(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    // Fed one byte at a time, a fresh decoder throws at the first byte no UTF-8 text can continue with;
    // one that only ends too early throws at the final flush.
    const stepwise = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    for (let i = 0; i < bytes.length; i++) {
      try {
        stepwise.decode(bytes.subarray(i, i + 1), { stream: true });
      } catch {
        return `${INVALID_UTF8_MARK}byte ${i + 1}`;
      }
    }
    return `${INVALID_UTF8_MARK}byte ${bytes.length}`;
  }
}

/**
 * Yields each line of `stream` (without its "\n" or "\r\n"), calling `onBytes` with the bytes read so far.
 * A leading byte-order mark is dropped; a line that is not valid UTF-8 comes as INVALID_UTF8_MARK and the
 * position of its first bad byte.
 */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<string> {
  let bytes = 0;
  let first = true;
  for await (const line of stream.pipeThrough(byteLines((n) => onBytes?.(bytes += n)))) {
    let start = 0;
    if (first && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) start = 3;
    first = false;
    const end = line.length > start && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    yield decodeLine(line.subarray(start, end));
  }
}

/** Cuts bytes into lines at "\n" (a last line without "\n" is kept too), reporting each chunk's size. */
function byteLines(onChunk: (size: number) => void): TransformStream<Uint8Array, Uint8Array> {
  let rest = new Uint8Array(0);
  return new TransformStream({
    transform(chunk, controller) {
      onChunk(chunk.length);
      let data = chunk;
      if (rest.length > 0) {
        data = new Uint8Array(rest.length + chunk.length);
        data.set(rest);
        data.set(chunk, rest.length);
      }
      let start = 0;
      for (let i = data.indexOf(0x0a); i !== -1; i = data.indexOf(0x0a, start)) {
        controller.enqueue(data.slice(start, i));
        start = i + 1;
      }
      rest = data.slice(start);
    },
    flush(controller) {
      if (rest.length > 0) controller.enqueue(rest);
    },
  });
}
