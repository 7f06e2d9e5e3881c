/** Product facts shown in outputs and links. */
export const VERSION = '0.1.0';
export const TOOL_URL = 'https://github.com/mldebt/mldebt';

export function ruleDocUrl(id: string): string {
  return `${TOOL_URL}/blob/main/docs/rules/${id}.md`;
}
