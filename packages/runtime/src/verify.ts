/**
 * Verify mode (CACHET_VERIFY=1): a compiled function also computes the reflective key of each
 * call, and any call where the two keys disagree about equality with an earlier call is
 * reported: either two calls the reflective key tells apart share a compiled key (a value
 * carried data its declared type leaves out of the key), or the reverse.
 */
export class Verifier {
  private readonly byCompiled = new Map<string, string>();
  private readonly byReflective = new Map<string, string>();

  constructor(private readonly limit = 10_000) {}

  /** A message describing the disagreement, or undefined when the keys agree. */
  check(compiled: string, reflective: string): string | undefined {
    const seenReflective = this.byCompiled.get(compiled);
    if (seenReflective !== undefined && seenReflective !== reflective) {
      return `two calls share a compiled key but differ as values (${seenReflective} vs ${reflective}); data outside the declared types is not part of the key`;
    }
    const seenCompiled = this.byReflective.get(reflective);
    if (seenCompiled !== undefined && seenCompiled !== compiled) {
      return `two equal calls got different compiled keys (${seenCompiled} vs ${compiled})`;
    }
    if (this.byCompiled.size < this.limit) {
      this.byCompiled.set(compiled, reflective);
      this.byReflective.set(reflective, compiled);
    }
    return undefined;
  }
}
