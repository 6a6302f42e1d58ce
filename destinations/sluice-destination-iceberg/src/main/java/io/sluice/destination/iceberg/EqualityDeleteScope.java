package io.sluice.destination.iceberg;

import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdatePartitionSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the partition spec an upsert's equality deletes are written in, so that a delete reaches the row it
 * replaces wherever that row lives.
 *
 * <p>Iceberg applies an equality-delete file of a partitioned spec only to data files of the same spec and
 * partition, and one of an unpartitioned spec to every data file of the table (a "global" delete; see
 * {@code DeleteFileIndex}). Hence:
 *
 * <ul>
 *   <li>When the table has only ever had its current spec and every partition source column is a key column
 *       ({@code identity(id)}, {@code bucket(16, id)} with key {@code id}), all rows of a key live in the one
 *       partition the key determines: deletes are written in the current spec, into that partition, and a reader
 *       loads only its partition's deletes.
 *   <li>Otherwise the old row may be elsewhere: in another partition when a partition source is not a key
 *       column ({@code day(updated_at)} with key {@code id}; an update that changes {@code updated_at} moves
 *       the row), or in a data file of an older spec. Deletes are then written in an unpartitioned spec of the
 *       table, so that they are global. A table that was always partitioned has no such spec:
 *       {@link #specFor} adds one with {@link UpdatePartitionSpec#addNonDefaultSpec()}, which keeps the
 *       current spec as the default that data files are written in. The cost: every data file's read applies
 *       every global delete of later commits, until compaction folds them in.
 * </ul>
 */
final class EqualityDeleteScope {
  private static final Logger LOG = LoggerFactory.getLogger(EqualityDeleteScope.class);

  private EqualityDeleteScope() {}

  /**
   * The spec for equality deletes on the key {@code keyFieldIds}; adds an unpartitioned spec to the table
   * (a metadata commit) when global deletes are needed and the table has none.
   *
   * @throws RuntimeException as Iceberg throws it when that commit fails
   */
  static PartitionSpec specFor(Table table, Set<Integer> keyFieldIds, String tableName) {
    PartitionSpec current = table.spec();
    if (current.isUnpartitioned()) {
      return current;
    }
    boolean partitionedByKeyOnly = current.fields().stream().allMatch(field -> keyFieldIds.contains(field.sourceId()));
    if (partitionedByKeyOnly && table.specs().size() == 1) {
      return current;
    }
    Optional<PartitionSpec> unpartitioned = unpartitionedSpec(table);
    if (unpartitioned.isPresent()) {
      return unpartitioned.get();
    }
    UpdatePartitionSpec addSpec = table.updateSpec().addNonDefaultSpec();
    for (PartitionField field : current.fields()) {
      addSpec.removeField(field.name());
    }
    addSpec.commit();
    LOG.info("Added an unpartitioned partition spec to table {} (its default stays {}): equality deletes of "
        + "upserts are written in it so that they apply to every partition, because {}", tableName,
        current.fields(), partitionedByKeyOnly ? "data files of older specs may hold rows"
            : "a row moves to another partition when a partition column that is not a key column changes");
    return unpartitionedSpec(table).orElseThrow(() -> new IllegalStateException(
        "Cannot find the unpartitioned spec just added to " + tableName));
  }

  private static Optional<PartitionSpec> unpartitionedSpec(Table table) {
    return table.specs().values().stream().filter(PartitionSpec::isUnpartitioned).findFirst();
  }
}
