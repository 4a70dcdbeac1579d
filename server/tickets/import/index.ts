/** Bulk import of hotline exports (docs/decisions/0008-bulk-import.md): what routes and the command line use. */
export { csvLine, type TextEncoding } from "./csv";
export {
  cleanMapping,
  fieldAliases,
  fieldLabels,
  historyFields,
  importFields,
  mappingProblems,
  requiredFields,
  suggestMapping,
  type ColumnMapping,
  type ImportField,
} from "./fields";
export {
  DEFAULT_CHUNK_ROWS,
  JOB_HEARTBEAT_MS,
  createJob,
  runImport,
  type ImportProgress,
  type ImportSummary,
  type ImportTimings,
  type RunImportOptions,
} from "./importer";
export {
  ensureUploadDirectory,
  getJob,
  getMapping,
  interruptStaleJobs,
  listJobs,
  listMappings,
  newUploadToken,
  previewUpload,
  registerUpload,
  rejectionCount,
  rejectionReport,
  REPORT_HEADER,
  sampleRejections,
  saveMapping,
  startImport,
  uploadDirectory,
  MAX_UPLOAD_BYTES,
  uploadPath,
  type JobState,
  type JobView,
} from "./jobs";
export { ImportError } from "./pipeline";
export { formatOf, previewFile, type ImportFormat, type Preview } from "./source";
