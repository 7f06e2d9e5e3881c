/** What the bench types, one character at a time at random places: letters, a space, brackets and operators. */
export const EDIT_CHARS = ['a', 'x', ' ', '(', '.', '1', '_', '='];
