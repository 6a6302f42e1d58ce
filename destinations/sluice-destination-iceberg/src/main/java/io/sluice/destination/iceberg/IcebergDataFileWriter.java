package io.sluice.destination.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into Parquet data files of one table between two commits: one rolling file per partition
 * (Iceberg's {@link FanoutDataWriter}, since change streams arrive in no partition order), each closed and
 * replaced at the target size. Used once: {@link #finish()} or {@link #abort()} ends it.
 *
 * <p>Equality-delete files for upserts will get a sibling writer of the same shape; the commit then becomes a
 * row delta of both results.
 */
final class IcebergDataFileWriter {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergDataFileWriter.class);
  private final PartitionSpec spec;
  private final FileIO io;
  private final FanoutDataWriter<Record> files;
  private final PartitionKey partitionKey;
  private final InternalRecordWrapper partitionSource;
  private boolean finished;

  /**
   * @param fileNames names the files; one factory per stream writer keeps names unique across commits
   */
  IcebergDataFileWriter(Table table, OutputFileFactory fileNames, long targetFileSizeBytes) {
    this.spec = table.spec();
    this.io = table.io();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).dataFileFormat(FileFormat.PARQUET).build();
    this.files = new FanoutDataWriter<>(writers, fileNames, io, targetFileSizeBytes);
    if (spec.isUnpartitioned()) {
      this.partitionKey = null;
      this.partitionSource = null;
    } else {
      this.partitionKey = new PartitionKey(spec, table.schema());
      // Transforms take Iceberg's internal representation (micros, days), not LocalDateTime and friends.
      this.partitionSource = new InternalRecordWrapper(table.schema().asStruct());
    }
  }

  void write(Record record) {
    if (partitionKey == null) {
      files.write(record, spec, null);
    } else {
      partitionKey.partition(partitionSource.wrap(record));
      files.write(record, spec, partitionKey);
    }
  }

  /** Closes every open file and returns the data files written. */
  List<DataFile> finish() {
    close();
    return files.result().dataFiles();
  }

  /** Closes and deletes every file written; best effort, never throws. */
  void abort() {
    try {
      for (DataFile file : finish()) {
        io.deleteFile(file.location());
      }
    } catch (RuntimeException e) {
      LOG.warn("Cannot delete the uncommitted data files: {}; they stay as orphans that no snapshot references",
          e.toString());
    }
  }

  private void close() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      files.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close data files: " + e.getMessage(), e);
    }
  }
}
