package io.sluice.destination.iceberg;

import org.apache.iceberg.ContentFile;
import org.apache.iceberg.io.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes files that were written and will never be committed. */
final class UncommittedFiles {
  private static final Logger LOG = LoggerFactory.getLogger(UncommittedFiles.class);

  private UncommittedFiles() {}

  /**
   * Deletes {@code files}, best effort: a file that cannot be deleted is logged and left as an orphan, which no
   * snapshot references and Iceberg's orphan-file removal cleans up. Never throws.
   */
  static void delete(FileIO io, Iterable<? extends ContentFile<?>> files) {
    for (ContentFile<?> file : files) {
      try {
        io.deleteFile(file.location());
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete uncommitted file {}: {}; it stays as an orphan that no snapshot references",
            file.location(), e.toString());
      }
    }
  }
}
