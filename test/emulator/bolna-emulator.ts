// A loopback HTTP emulator of Bolna's SIP-trunk numbers API, both families: legacy `/sip-trunks`
// and new `/trunk` (see /work/shared/bolna-api.md), with the live service's quirks (403 on a bad key,
// list lag, duplicate creates, soft deletes, rate limiting), an option for each behaviour the docs
// leave open (§5), and injectable network/server faults for tests, the demo and benchmarks.
//
// This is the public entry; the parts live in server.ts (the BolnaEmulator class), store.ts (state),
// routes-*.ts (endpoints), faults.ts, options.ts and http.ts. Runs directly under Node 24's type
// stripping: erasable TypeScript and `node:` built-ins only.

export { BolnaEmulator } from './server.ts'
export type { ChaosOptions, Fault, FaultKind } from './faults.ts'
export type { RequestLogEntry } from './http.ts'
export type {
  Compression,
  DuplicatesMode,
  EmulatorOptions,
  ForbiddenMode,
  LegacyAddIdKey,
  LegacyAgentIdMode,
  LegacyNameMode,
  FieldShown,
  LegacyTrunkNumbersMode,
  ListShape,
  NotFoundBodies,
  OtherTrunkConflict,
  SoftDeletedMode,
  TrunkAddStatus,
  TrunkNumbersKey,
  TrunkProviderMode
} from './options.ts'
export type {
  AgentSettings,
  AgentState,
  NumberView,
  PhoneNumberRecord,
  SeedRecord,
  TrunkApi,
  TrunkNumberRecord,
  TrunkSettings,
  TrunkState
} from './store.ts'
