package io.sluice.destination.iceberg;

import io.sluice.spi.Operation;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.WriteResult;

/** {@code APPEND} and {@code REPLACE}: every row is added; data files only. */
final class IcebergInsertWriter implements IcebergRowWriter {
  private final IcebergDataFileWriter dataFiles;

  IcebergInsertWriter(Table table, long targetFileSizeBytes) {
    this.dataFiles = new IcebergDataFileWriter(table,
        new ParquetDataFileWriters(table, new GenericFileWriterFactory.Builder(table).build()),
        OutputFileFactory.builderFor(table, 1, 0).format(FileFormat.PARQUET).build(), targetFileSizeBytes);
  }

  /**
   * @throws IllegalArgumentException for anything but an insert or a read; {@link IcebergStreamWriter} refuses those first
   */
  @Override
  public void write(Operation operation, Record row) {
    if (operation != Operation.INSERT && operation != Operation.READ) {
      throw new IllegalArgumentException("Cannot add a row for a " + operation + " event: only inserts and reads "
          + "are added");
    }
    dataFiles.append(row);
  }

  @Override
  public WriteResult finish() {
    return WriteResult.builder().addDataFiles(dataFiles.finish()).build();
  }

  @Override
  public void forgetFinished() {
    // nothing spans commits
  }

  @Override
  public void abort() {
    dataFiles.abort();
  }
}
