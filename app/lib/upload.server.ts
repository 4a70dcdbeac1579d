/**
 * The import upload: the multipart body is streamed straight to a temp file
 * (Remix's file upload handler), never held in memory, then registered for
 * the mapping step under an unguessable token.
 */
import {
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_parseMultipartFormData,
  type NodeOnDiskFile,
} from "@remix-run/node";
import { ValidationError } from "../../server/errors";
import type { Actor } from "../../server/identity/permissions";
import {
  ensureUploadDirectory,
  MAX_UPLOAD_BYTES,
  newUploadToken,
  registerUpload,
  uploadDirectory,
} from "../../server/tickets/import";
import { t } from "~/i18n";

export async function receiveUpload(request: Request, actor: Actor) {
  // A form posted without its file part's encoding has no file to stream; Remix's parser would throw.
  if (!/^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new ValidationError(t.imports.upload.missing, { file: [t.imports.upload.missing] });
  }
  await ensureUploadDirectory();
  const token = newUploadToken();
  // The handler names the temp file after the token; the person's file name is kept apart.
  let fileName = "";
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(
        unstable_createFileUploadHandler({
          directory: uploadDirectory(),
          file: ({ filename }) => {
            fileName = filename;
            return token;
          },
          avoidFileConflicts: false,
          maxPartSize: MAX_UPLOAD_BYTES,
          filter: ({ name }) => name === "file",
        }),
      ),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      throw new ValidationError(t.imports.upload.tooLarge("2 GB"), { file: [t.imports.upload.tooLarge("2 GB")] });
    }
    throw error;
  }
  const file = form.get("file") as NodeOnDiskFile | string | null;
  if (!file || typeof file === "string" || !fileName) {
    throw new ValidationError(t.imports.upload.missing, { file: [t.imports.upload.missing] });
  }
  return registerUpload(actor, token, fileName);
}
