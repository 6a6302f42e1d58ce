package io.sluice.destination.iceberg;

import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.DeleteGranularity;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.FanoutPositionOnlyDeleteWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.PartitioningDVWriter;
import org.apache.iceberg.io.PartitioningWriter;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ByteBuffers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code UPSERT}: applies inserts, updates and deletes by primary key with Iceberg's row-level deletes (format 2
 * or later), in the pattern of Iceberg's {@code BaseEqualityDeltaWriter}, which Flink's upsert sink uses.
 *
 * <p>For each event, with {@code k} the values of its key columns:
 *
 * <ul>
 *   <li>The first time {@code k} is seen since the last commit, an equality delete of {@code k} is written. Once
 *       committed it removes {@code k}'s row from the data files of earlier commits: an equality delete applies
 *       only to data files of a lower sequence number, never to rows of its own commit.
 *       {@link EqualityDeleteScope} picks the spec it is written in, so that it reaches the old row even when
 *       that row lives in another partition.
 *   <li>When {@code k} has a row in a data file written since the last commit, a position delete removes
 *       exactly that row.
 *   <li>INSERT and UPDATE then write the new row and remember where it went; DELETE remembers that {@code k} now
 *       has no row.
 * </ul>
 *
 * So the last event of a key wins, within a commit and across commits; a key gets at most one equality delete
 * per commit; deleting a key that has no row writes a harmless equality delete. All of it becomes visible in one
 * {@code RowDelta} commit ({@link MainBranchTarget}).
 *
 * <p>Position deletes are Parquet position-delete files, one per data file, in format 2, and deletion vectors
 * (Puffin files) in format 3, which requires them there; equality deletes are the same in both.
 *
 * <p>Memory: the map of keys seen since the last successful commit holds one entry per distinct key (its values
 * and a location: about 150 bytes plus the values), and the position-delete writers keep deleted positions until
 * the commit (compact bitmaps). Both are bounded by the events of one commit, which the engine caps at 100,000:
 * some 15 to 25 MB at most for keys of one or two columns.
 * The map survives a failed commit, whose files stay pending, so that rows written before the retry still
 * replace the pending rows of their keys.
 */
final class IcebergUpsertWriter implements IcebergRowWriter {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergUpsertWriter.class);
  /** The value for a key whose equality delete is written and which has no row in an uncommitted file. */
  private static final RowLocation NO_ROW = new RowLocation("", -1, null);

  private final String tableName;
  private final FileIO io;
  private final String[] keyNames;
  /** Positions of the key columns in a table row, in the order of the equality-delete schema. */
  private final int[] keyPositions;
  private final PartitionSpec dataSpec;
  private final IcebergDataFileWriter dataFiles;
  private final IcebergEqualityDeleteWriter equalityDeletes;
  private final Supplier<PartitioningWriter<PositionDelete<Record>, DeleteWriteResult>> positionDeleteWriters;
  private PartitioningWriter<PositionDelete<Record>, DeleteWriteResult> positionDeletes;
  private final PositionDelete<Record> positionDelete = PositionDelete.create();
  private final Map<List<Object>, RowLocation> keysSinceCommit = new HashMap<>();

  private IcebergUpsertWriter(Table table, String tableName, List<Types.NestedField> keyFields,
      PartitionSpec equalityDeleteSpec, long targetFileSizeBytes) {
    this.tableName = tableName;
    this.io = table.io();
    Schema keySchema = new Schema(keyFields);
    this.keyNames = keyFields.stream().map(Types.NestedField::name).toArray(String[]::new);
    this.keyPositions = keyFields.stream().mapToInt(field -> table.schema().columns().indexOf(field)).toArray();
    this.dataSpec = table.spec();
    ParquetDataFileWriters writers = new ParquetDataFileWriters(table, new GenericFileWriterFactory.Builder(table)
        .deleteFileFormat(FileFormat.PARQUET)
        .equalityFieldIds(keyFields.stream().mapToInt(Types.NestedField::fieldId).toArray())
        .equalityDeleteRowSchema(keySchema)
        .build());
    OutputFileFactory fileNames = OutputFileFactory.builderFor(table, 1, 0).format(FileFormat.PARQUET).build();
    this.dataFiles = new IcebergDataFileWriter(table, writers, fileNames, targetFileSizeBytes);
    this.equalityDeletes = new IcebergEqualityDeleteWriter(
        table, equalityDeleteSpec, keySchema, writers, fileNames, targetFileSizeBytes);
    if (TableUtil.formatVersion(table) >= 3) {
      OutputFileFactory vectorNames = OutputFileFactory.builderFor(table, 1, 0).format(FileFormat.PUFFIN).build();
      // No earlier deletes to merge: the files are this writer's own, uncommitted. (After a failed commit a
      // pending file may get a second vector; the retried commit merges the two, as Iceberg does.)
      this.positionDeleteWriters = () -> new PartitioningDVWriter<>(vectorNames, path -> null);
    } else {
      this.positionDeleteWriters = () -> new FanoutPositionOnlyDeleteWriter<>(
          writers, fileNames, table.io(), targetFileSizeBytes, DeleteGranularity.FILE);
    }
  }

  /**
   * Refuses a stream that cannot be upserted, before its table is created or changed.
   *
   * @throws SluiceException (CONFIG) when the stream has no primary key or a key column of a type that cannot
   *     identify rows
   */
  static void checkStream(StreamSpec stream, String tableName) {
    if (stream.primaryKey().isEmpty()) {
      throw new SluiceException(ErrorKind.CONFIG, "Cannot upsert into " + tableName + ": the stream has no "
          + "primary key; set primary_key for stream " + stream.source() + " in the streams file, or sync it in a "
          + "mode that appends");
    }
    for (String key : stream.primaryKey()) {
      int index = stream.columnIndex(key);
      DataType.Kind kind = index < 0 ? null : stream.columns().get(index).type().kind();
      if (kind == DataType.Kind.FLOAT || kind == DataType.Kind.DOUBLE || kind == DataType.Kind.LIST) {
        Column column = stream.columns().get(index);
        throw new SluiceException(ErrorKind.CONFIG, "Cannot upsert into " + tableName + ": key column '" + key
            + "' has type " + column.type() + ", and deletes match rows by exact key values, which "
            + "floating-point and list values do not have; choose other key columns with primary_key in the "
            + "streams file");
      }
    }
  }

  /**
   * A writer for {@code stream} into {@code table}, which {@link IcebergTableProvisioner} prepared. May change
   * the table's metadata first: an unpartitioned spec ({@link EqualityDeleteScope}), no bounds for UUID key
   * columns ({@link UuidKeyBounds}).
   *
   * @throws SluiceException (CONFIG) when the table's format version has no row-level deletes
   * @throws RuntimeException as Iceberg throws it when the table cannot be changed
   */
  static IcebergUpsertWriter open(Table table, StreamSpec stream, String tableName, long targetFileSizeBytes) {
    int formatVersion = TableUtil.formatVersion(table);
    if (formatVersion < 2) {
      throw new SluiceException(ErrorKind.CONFIG, "Cannot upsert into " + tableName + ": the table has format "
          + "version " + formatVersion + ", which has no row-level deletes; upserts need format version 2 or "
          + "later: upgrade the table (table property format-version) or drop it to have it recreated");
    }
    List<Types.NestedField> keyFields = new ArrayList<>();
    for (String key : stream.primaryKey()) {
      keyFields.add(table.schema().asStruct().field(key));
    }
    UuidKeyBounds.dropBounds(table, keyFields, tableName);
    Set<Integer> keyIds = keyFields.stream().map(Types.NestedField::fieldId).collect(Collectors.toSet());
    PartitionSpec equalityDeleteSpec = EqualityDeleteScope.specFor(table, keyIds, tableName);
    return new IcebergUpsertWriter(table, tableName, keyFields, equalityDeleteSpec, targetFileSizeBytes);
  }

  /**
   * @throws SluiceException (INTERNAL) when a key column of the row is null
   */
  @Override
  public void write(Operation operation, Record row) {
    Object[] keyValues = keyValues(operation, row);
    List<Object> key = Arrays.asList(keyValues);
    RowLocation previous = keysSinceCommit.get(key);
    if (previous == null) {
      equalityDeletes.delete(keyValues, row);
    } else if (previous != NO_ROW) {
      deletePosition(previous);
    }
    keysSinceCommit.put(key, operation == Operation.DELETE ? NO_ROW : dataFiles.write(row));
  }

  /** The key's values, copied: the caller reuses {@code row}, and the map keeps the key. */
  private Object[] keyValues(Operation operation, Record row) {
    Object[] values = new Object[keyPositions.length];
    for (int i = 0; i < values.length; i++) {
      Object value = row.get(keyPositions[i]);
      if (value == null) {
        throw new SluiceException(ErrorKind.INTERNAL, "Cannot apply " + operation + " to " + tableName
            + ": key column '" + keyNames[i] + "' is null");
      }
      // A buffer's position is part of its equality: the map must not share one with a file writer.
      values[i] = value instanceof ByteBuffer buffer ? ByteBuffers.copy(buffer) : value;
    }
    return values;
  }

  private void deletePosition(RowLocation row) {
    if (positionDeletes == null) {
      positionDeletes = positionDeleteWriters.get();
    }
    positionDeletes.write(positionDelete.set(row.file(), row.position()), dataSpec, row.partition());
  }

  /** When closing a file fails, the files of this call are deleted (best effort) and the failure thrown. */
  @Override
  public WriteResult finish() {
    WriteResult.Builder files = WriteResult.builder();
    try {
      files.addDataFiles(dataFiles.finish());
      files.addDeleteFiles(equalityDeletes.finish());
      DeleteWriteResult positions = closePositionDeletes();
      files.addDeleteFiles(positions.deleteFiles()).addReferencedDataFiles(positions.referencedDataFiles());
    } catch (RuntimeException e) {
      abortOpenFiles();
      WriteResult finished = files.build();
      UncommittedFiles.delete(io, Arrays.asList(finished.dataFiles()));
      UncommittedFiles.delete(io, Arrays.asList(finished.deleteFiles()));
      throw e;
    }
    return files.build();
  }

  @Override
  public void forgetFinished() {
    keysSinceCommit.clear();
  }

  @Override
  public void abort() {
    abortOpenFiles();
    keysSinceCommit.clear();
  }

  private void abortOpenFiles() {
    dataFiles.abort();
    equalityDeletes.abort();
    try {
      UncommittedFiles.delete(io, closePositionDeletes().deleteFiles());
    } catch (RuntimeException e) {
      LOG.warn("Cannot close the uncommitted position deletes of {}: {}; their files stay as orphans that no "
          + "snapshot references", tableName, e.toString());
    }
  }

  private DeleteWriteResult closePositionDeletes() {
    if (positionDeletes == null) {
      return new DeleteWriteResult(List.of());
    }
    PartitioningWriter<PositionDelete<Record>, DeleteWriteResult> writer = positionDeletes;
    positionDeletes = null;
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the position deletes: " + e.getMessage(), e);
    }
    return writer.result();
  }
}
