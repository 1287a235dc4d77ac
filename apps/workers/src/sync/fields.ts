// Small mappings shared by the job context and history derivation.

/** Custom fields with a name and a text value (others carry nothing a feature can use). */
export function customFieldsOf(fields: { name?: string | null; value?: unknown }[] | null | undefined) {
  return (fields ?? []).flatMap((f) =>
    f.name && (typeof f.value === 'string' || typeof f.value === 'number' || typeof f.value === 'boolean')
      ? [{ name: f.name, value: String(f.value) }]
      : [],
  );
}

/** The city of a location's address, trimmed; null when it has none. */
export function cityOf(address: { city?: string | null } | null | undefined): string | null {
  return address?.city?.trim() || null;
}
