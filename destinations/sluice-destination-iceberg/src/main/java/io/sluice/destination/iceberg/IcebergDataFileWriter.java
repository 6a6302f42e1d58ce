package io.sluice.destination.iceberg;

import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;

/**
 * Writes rows into Parquet data files of the table's current spec: one rolling file per partition, each closed
 * and replaced at the target size. Reusable across commits: {@link #finish()} closes the open files and the
 * next row opens new ones. Not thread-safe.
 */
final class IcebergDataFileWriter {
  private final RollingFilesByPartition<RollingDataWriter<Record>, DataFile> files;

  /**
   * @param fileNames names the files; one factory per stream writer keeps names unique across commits
   */
  IcebergDataFileWriter(Table table, FileWriterFactory<Record> writers, OutputFileFactory fileNames,
      long targetFileSizeBytes) {
    PartitionSpec spec = table.spec();
    this.files = new RollingFilesByPartition<>(table, spec,
        partition -> new RollingDataWriter<>(writers, fileNames, table.io(), targetFileSizeBytes, spec, partition),
        writer -> writer.result().dataFiles());
  }

  /** Writes {@code row} (encoded before this returns, so the caller may reuse it). */
  void append(Record row) {
    files.forRow(row).writer().write(row);
  }

  /** Like {@link #append}, and returns where the row went, for deleting it by position later. */
  RowLocation write(Record row) {
    RollingFilesByPartition.Open<RollingDataWriter<Record>> open = files.forRow(row);
    RollingDataWriter<Record> writer = open.writer();
    // Read before the write: a write that reaches the target size closes the file and opens the next one.
    RowLocation location = new RowLocation(writer.currentFilePath(), writer.currentFileRows(), open.partition());
    writer.write(row);
    return location;
  }

  /** Closes every open file and returns the data files written since the last call. */
  List<DataFile> finish() {
    return files.finish();
  }

  /** Closes and deletes every open file; best effort, never throws. */
  void abort() {
    files.abort();
  }
}
