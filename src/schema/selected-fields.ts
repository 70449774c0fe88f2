/**
 * Whether an operation asks for a field, by name, anywhere under the field being resolved (through
 * inline fragments and named fragments, whatever their type condition): a resolver that can leave
 * an expensive column unread asks this first. Conservative by design: a field of that name at any
 * depth counts, so only what is certainly not asked for is left out.
 */
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

export function selectsFieldNamed(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  const seen = new Set<string>();
  const search = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === name || search(s.selectionSet)) return true;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (search(s.selectionSet)) return true;
      } else {
        const fragment: FragmentDefinitionNode | undefined = info.fragments[s.name.value];
        if (!seen.has(s.name.value) && (seen.add(s.name.value), search(fragment?.selectionSet))) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((f) => search(f.selectionSet));
}
