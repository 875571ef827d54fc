// Custom search attributes: they make the Temporal UI useful to ops (filter by commune, kind, status,
// request number). Workflow-safe: only @temporalio/common, so workflows can upsert them with the typed keys.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
// The key type is not re-exported from the package root in 1.24.
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

/** Names and types as the Temporal CLI spells them (`--search-attribute Commune=Keyword`). */
export const SEARCH_ATTRIBUTE_TYPES = {
  Commune: 'Keyword',
  ProcessKind: 'Keyword',
  ProcessStatus: 'Keyword',
  RequestNumber: 'Keyword',
  DemarcheCode: 'Keyword',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTE_TYPES;

/** CLI spelling to SDK type, so the compiler checks that each key below matches the table above. */
interface CliTypeToSdkType {
  Text: 'TEXT';
  Keyword: 'KEYWORD';
  Int: 'INT';
  Double: 'DOUBLE';
  Bool: 'BOOL';
  Datetime: 'DATETIME';
  KeywordList: 'KEYWORD_LIST';
}
type SdkTypeOf<N extends SearchAttributeName> = CliTypeToSdkType[(typeof SEARCH_ATTRIBUTE_TYPES)[N]];

/** Commune slug (the tenant), e.g. `beaucouze`. */
export const COMMUNE = defineSearchAttributeKey('Commune', SearchAttributeType.KEYWORD);
/** Kind of long-lived process: démarche, certificate request, payment... */
export const PROCESS_KIND = defineSearchAttributeKey('ProcessKind', SearchAttributeType.KEYWORD);
/** Current status of the process, updated on each transition. */
export const PROCESS_STATUS = defineSearchAttributeKey('ProcessStatus', SearchAttributeType.KEYWORD);
/** Request number shown to the citizen and quoted on paper mail. */
export const REQUEST_NUMBER = defineSearchAttributeKey('RequestNumber', SearchAttributeType.KEYWORD);
/** Code of the démarche type. */
export const DEMARCHE_CODE = defineSearchAttributeKey('DemarcheCode', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS: {
  readonly [N in SearchAttributeName]: SearchAttributeKey<SdkTypeOf<N>>;
} = {
  Commune: COMMUNE,
  ProcessKind: PROCESS_KIND,
  ProcessStatus: PROCESS_STATUS,
  RequestNumber: REQUEST_NUMBER,
  DemarcheCode: DEMARCHE_CODE,
};

/** Every custom search attribute, for servers and test environments that register them. */
export const SEARCH_ATTRIBUTES: readonly SearchAttributeKey<SearchAttributeType>[] =
  Object.values(SEARCH_ATTRIBUTE_KEYS);
