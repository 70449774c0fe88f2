/**
 * What an operation selects under the field being resolved (through inline and named fragments,
 * whatever their type condition): a resolver that can leave an expensive column unread asks this
 * first. Conservative by design: a field of that name, or a fragment on that type, at any depth
 * counts, so only what is certainly not asked for is left out.
 */
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

type Info = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

/** Some field or fragment under the resolved field passes `test` (a field by its name, a fragment by its type condition). */
function someSelection(info: Info, test: { field?(name: string): boolean; fragmentOn?(typeName: string): boolean }): boolean {
  const seen = new Set<string>();
  const search = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (test.field?.(s.name.value) || search(s.selectionSet)) return true;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if ((s.typeCondition && test.fragmentOn?.(s.typeCondition.name.value)) || search(s.selectionSet)) return true;
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment: FragmentDefinitionNode | undefined = info.fragments[s.name.value];
        if (fragment && (test.fragmentOn?.(fragment.typeCondition.name.value) || search(fragment.selectionSet))) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((f) => search(f.selectionSet));
}

export function selectsFieldNamed(info: Info, name: string): boolean {
  return someSelection(info, { field: (n) => n === name });
}

/** A fragment on one of `typeNames` (e.g. an adapter's event type, whose own resolvers may read anything of the event). */
export function selectsFragmentOn(info: Info, typeNames: ReadonlySet<string>): boolean {
  return someSelection(info, { fragmentOn: (t) => typeNames.has(t) });
}
