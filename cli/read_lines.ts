/** Reads a byte stream as text lines without holding the whole file in memory. */

/** Yields each line of `stream` (without its "\n" or "\r\n"), calling `onBytes` with the bytes read so far. */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let bytes = 0;
  let rest = "";
  for await (const chunk of stream) {
    bytes += chunk.length;
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    rest = lines.pop()!;
    for (const line of lines) yield line.endsWith("\r") ? line.slice(0, -1) : line;
    onBytes?.(bytes);
  }
  rest += decoder.decode();
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}
