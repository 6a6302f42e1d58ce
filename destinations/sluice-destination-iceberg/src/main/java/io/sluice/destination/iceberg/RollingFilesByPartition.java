package io.sluice.destination.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriter;
import org.apache.iceberg.util.StructLikeMap;
import org.apache.iceberg.util.StructLikeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open rolling files of one partition spec, one writer per partition. Change streams arrive in no
 * partition order, so every partition's writer stays open until {@link #finish()} (the shape of Iceberg's
 * {@code FanoutWriter}, which is not public). Reusable: after {@link #finish()} or {@link #abort()} the next row
 * opens new files. Not thread-safe.
 *
 * @param <W> the rolling writer of one partition
 * @param <F> what those writers produce: data files or delete files
 */
final class RollingFilesByPartition<W extends FileWriter<Record, ?>, F extends ContentFile<F>> {
  private static final Logger LOG = LoggerFactory.getLogger(RollingFilesByPartition.class);

  /** An open writer and its partition (a copy the caller may keep; null for an unpartitioned spec). */
  record Open<W>(StructLike partition, W writer) {}

  private final FileIO io;
  private final Function<StructLike, W> opener;
  private final Function<W, List<F>> filesOf;
  private final PartitionKey partitionKey;
  private final InternalRecordWrapper partitionSource;
  private final Map<StructLike, Open<W>> byPartition;
  private Open<W> unpartitioned;

  /**
   * @param opener opens the writer of a partition (null for an unpartitioned spec)
   * @param filesOf the files a closed writer wrote
   */
  RollingFilesByPartition(Table table, PartitionSpec spec, Function<StructLike, W> opener,
      Function<W, List<F>> filesOf) {
    this.io = table.io();
    this.opener = opener;
    this.filesOf = filesOf;
    if (spec.isUnpartitioned()) {
      this.partitionKey = null;
      this.partitionSource = null;
      this.byPartition = new HashMap<>();
    } else {
      this.partitionKey = new PartitionKey(spec, table.schema());
      // Transforms take Iceberg's internal representation (micros, days), not LocalDateTime and friends.
      this.partitionSource = new InternalRecordWrapper(table.schema().asStruct());
      this.byPartition = StructLikeMap.create(spec.partitionType());
    }
  }

  /** The writer of the partition {@code row} belongs to, opened when it is the first row there. */
  Open<W> forRow(Record row) {
    if (partitionKey == null) {
      if (unpartitioned == null) {
        unpartitioned = new Open<>(null, opener.apply(null));
      }
      return unpartitioned;
    }
    partitionKey.partition(partitionSource.wrap(row));
    Open<W> open = byPartition.get(partitionKey);
    if (open == null) {
      // the key object is reused for every row: the map and the writer get a copy
      StructLike partition = StructLikeUtil.copy(partitionKey);
      open = new Open<>(partition, opener.apply(partition));
      byPartition.put(partition, open);
    }
    return open;
  }

  /**
   * Closes every open writer and returns the files written since the last call. When a writer fails to close,
   * the files of the others are deleted too and the failure is thrown.
   */
  List<F> finish() {
    List<Open<W>> writers = new ArrayList<>(byPartition.values());
    if (unpartitioned != null) {
      writers.add(unpartitioned);
    }
    byPartition.clear();
    unpartitioned = null;
    List<F> files = new ArrayList<>();
    RuntimeException failure = null;
    for (Open<W> open : writers) {
      try {
        files.addAll(close(open.writer()));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      UncommittedFiles.delete(io, files);
      throw failure;
    }
    return files;
  }

  private List<F> close(W writer) {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close a file: " + e.getMessage(), e);
    }
    return filesOf.apply(writer);
  }

  /** Closes and deletes every open file; best effort, never throws. */
  void abort() {
    try {
      UncommittedFiles.delete(io, finish());
    } catch (RuntimeException e) {
      LOG.warn("Cannot close uncommitted files: {}; they stay as orphans that no snapshot references", e.toString());
    }
  }
}
