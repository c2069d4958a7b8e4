/** Shows only the last four characters of an identity document number. */
export function maskDocumentNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  return `****${value.slice(-4)}`;
}
