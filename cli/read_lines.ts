/**
 * Reads a byte stream as text lines without holding the whole file in memory: the bytes are counted,
 * decoded by the built-in TextDecoderStream and cut into lines by a small TransformStream.
 */

/**
 * Yields each line of `stream` (without its "\n" or "\r\n"), calling `onBytes` with the bytes read so far.
 * Decoding is TextDecoderStream's default: a leading byte-order mark is dropped and invalid UTF-8 becomes
 * U+FFFD.
 */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<string> {
  let bytes = 0;
  yield* stream
    .pipeThrough(
      new TransformStream<Uint8Array, Uint8Array<ArrayBuffer>>({
        transform(chunk, controller) {
          bytes += chunk.length;
          onBytes?.(bytes);
          // TextDecoderStream is typed for ArrayBuffer-backed bytes only; it decodes any view.
          controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
        },
      }),
    )
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(lineSplitter());
}

/** Cuts text into lines at "\n", dropping one "\r" before it; a last line without "\n" is kept too. */
function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  const withoutCr = (line: string) => line.endsWith("\r") ? line.slice(0, -1) : line;
  return new TransformStream({
    transform(text, controller) {
      const lines = (rest + text).split("\n");
      rest = lines.pop()!;
      for (const line of lines) controller.enqueue(withoutCr(line));
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(withoutCr(rest));
    },
  });
}
