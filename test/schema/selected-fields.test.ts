import { describe, expect, it } from 'vitest';
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { selectsFieldNamed, selectsFragmentOn } from '../../src/schema/selected-fields.ts';

/** The resolve info of the operation's first root field. */
function infoOf(source: string) {
  const doc = parse(source);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  return { fieldNodes: [op.selectionSet.selections[0] as FieldNode], fragments };
}

describe('selectsFieldNamed', () => {
  it('finds a field at any depth, in inline fragments and named fragments (also nested and repeated)', () => {
    expect(selectsFieldNamed(infoOf('{ events { edges { node { seq raw } } } }'), 'raw')).toBe(true);
    expect(selectsFieldNamed(infoOf('{ events { edges { node { ... on FfPlateEvent { raw } } } } }'), 'raw')).toBe(true);
    expect(selectsFieldNamed(infoOf('{ events { edges { node { ...A } } } } fragment A on Event { ...B seq } fragment B on Event { r: raw }'), 'raw')).toBe(true);
    expect(selectsFieldNamed(infoOf('{ events { ...C ...C } } fragment C on EventConnection { edges { node { seq } } pageInfo { hasNextPage } }'), 'raw')).toBe(false);
  });

  it('is false when only other fields, or the root field itself, bear names', () => {
    expect(selectsFieldNamed(infoOf('{ events { edges { node { seq kind camera { id name } } } } }'), 'raw')).toBe(false);
    expect(selectsFieldNamed(infoOf('{ raw { x } }'), 'raw')).toBe(false);
    expect(selectsFieldNamed(infoOf('{ events { edges { cursor } } }'), 'raw')).toBe(false);
  });

  it('ignores a spread of an unknown fragment (validation reports it)', () => {
    expect(selectsFieldNamed(infoOf('{ events { ...Missing } }'), 'raw')).toBe(false);
  });
});

describe('selectsFragmentOn', () => {
  const vendor = new Set(['FfPlateEvent']);
  it('finds an inline or named fragment on one of the types, at any depth', () => {
    expect(selectsFragmentOn(infoOf('{ events { edges { node { seq ... on FfPlateEvent { camera { id } } } } } }'), vendor)).toBe(true);
    expect(selectsFragmentOn(infoOf('{ events { edges { node { ...A } } } } fragment A on Event { ...B } fragment B on FfPlateEvent { seq }'), vendor)).toBe(true);
  });
  it('is false for fragments on other types and for fields of that name', () => {
    expect(selectsFragmentOn(infoOf('{ events { edges { node { ... on PlateReadEvent { plate } ...A } } } } fragment A on Event { seq }'), vendor)).toBe(false);
    expect(selectsFragmentOn(infoOf('{ events { edges { node { FfPlateEvent: seq } } } }'), vendor)).toBe(false);
  });
});
