// Numbers as explanations show them: digit groups, at most two decimals ("3,100,000").
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatNumber(value: number): string {
  return grouped.format(value);
}
