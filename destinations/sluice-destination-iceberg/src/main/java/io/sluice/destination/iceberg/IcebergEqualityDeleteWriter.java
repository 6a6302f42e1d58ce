package io.sluice.destination.iceberg;

import java.util.List;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingEqualityDeleteWriter;

/**
 * Writes equality-delete files holding key values: once committed, they remove every row with one of those keys
 * from data files of earlier commits. Files are written in {@code spec} ({@link EqualityDeleteScope} chooses it),
 * one rolling file per partition. Reusable across commits like {@link IcebergDataFileWriter}. Not thread-safe.
 */
final class IcebergEqualityDeleteWriter {
  private final RollingFilesByPartition<RollingEqualityDeleteWriter<Record>, DeleteFile> files;
  private final Record key;

  /**
   * @param keySchema the key columns, as the writer factory's equality-delete row schema
   * @param writers a factory configured with the key columns' field ids and {@code keySchema}
   */
  IcebergEqualityDeleteWriter(Table table, PartitionSpec spec, Schema keySchema, FileWriterFactory<Record> writers,
      OutputFileFactory fileNames, long targetFileSizeBytes) {
    this.files = new RollingFilesByPartition<>(table, spec,
        partition -> new RollingEqualityDeleteWriter<>(
            writers, fileNames, table.io(), targetFileSizeBytes, spec, partition),
        writer -> writer.result().deleteFiles());
    this.key = GenericRecord.create(keySchema);
  }

  /**
   * Deletes the key {@code keyValues} (in key-schema order). {@code row}, a table row carrying at least the key,
   * only places the delete in its partition when the spec is partitioned, which is why such a spec may only
   * partition by key columns.
   */
  void delete(Object[] keyValues, Record row) {
    for (int i = 0; i < keyValues.length; i++) {
      key.set(i, keyValues[i]);
    }
    files.forRow(row).writer().write(key);
  }

  /** Closes every open file and returns the delete files written since the last call. */
  List<DeleteFile> finish() {
    return files.finish();
  }

  /** Closes and deletes every open file; best effort, never throws. */
  void abort() {
    files.abort();
  }
}
