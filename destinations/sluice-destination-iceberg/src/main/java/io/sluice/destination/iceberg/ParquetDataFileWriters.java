package io.sluice.destination.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * Opens the Parquet files of a stream writer: data files through {@link RecordParquetWriters} (the table's
 * properties, metrics and sort order apply as in Iceberg's own factory), delete files through Iceberg's generic
 * factory, where speed matters less (a delete file holds keys only).
 */
final class ParquetDataFileWriters implements FileWriterFactory<Record> {
  private final Table table;
  private final FileWriterFactory<Record> deletes;

  /** @param deletes opens equality and position delete files; data files never go through it */
  ParquetDataFileWriters(Table table, FileWriterFactory<Record> deletes) {
    this.table = table;
    this.deletes = deletes;
  }

  @Override
  public DataWriter<Record> newDataWriter(EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    try {
      Parquet.DataWriteBuilder builder = Parquet.writeData(file).forTable(table);
      Set<String> key = table.schema().identifierFieldNames();
      if (key.size() == 1 && !table.properties().keySet().stream()
          .anyMatch(name -> name.startsWith(TableProperties.PARQUET_DICT_ENCODING_ENABLED_COLUMN_PREFIX))) {
        // A one-column key is unique: a dictionary cannot pay off, and Parquet would fill one (up to
        // write.parquet.dict-size-bytes) in every row group before falling back. A table's own settings win.
        builder.set(TableProperties.PARQUET_DICT_ENCODING_ENABLED_COLUMN_PREFIX + key.iterator().next(), "false");
      }
      return builder
          .withSpec(spec)
          .withPartition(partition)
          .withKeyMetadata(file.keyMetadata())
          .withSortOrder(table.sortOrder())
          .createWriterFunc(RecordParquetWriters::create)
          .overwrite()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open data file " + file.encryptingOutputFile().location(), e);
    }
  }

  @Override
  public EqualityDeleteWriter<Record> newEqualityDeleteWriter(EncryptedOutputFile file, PartitionSpec spec,
      StructLike partition) {
    return deletes.newEqualityDeleteWriter(file, spec, partition);
  }

  @Override
  public PositionDeleteWriter<Record> newPositionDeleteWriter(EncryptedOutputFile file, PartitionSpec spec,
      StructLike partition) {
    return deletes.newPositionDeleteWriter(file, spec, partition);
  }
}
