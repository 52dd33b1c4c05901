/** How a host is named in titles: `local` is "This computer". */
export function hostLabel(name: string): string {
  return name === 'local' ? 'This computer' : name;
}

/** The same inside a sentence: "runs on this computer", "runs on gpu1". */
export function hostInSentence(name: string): string {
  return name === 'local' ? 'this computer' : name;
}
