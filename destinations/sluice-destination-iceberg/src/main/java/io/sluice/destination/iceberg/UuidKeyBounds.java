package io.sluice.destination.iceberg;

import java.util.List;
import org.apache.iceberg.MetricsModes;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps min/max bounds out of the files for UUID key columns, so that equality deletes on them always apply.
 *
 * <p>Iceberg 1.12 compares UUID bounds as Java compares {@link java.util.UUID}s, by signed longs, while Parquet
 * writes them in unsigned byte order (apache/iceberg#14216). A data file holding keys on both sides of
 * {@code 8000...} (half of all random UUIDs) then seems to have an empty key range, and the planner's overlap
 * check ({@code DeleteFileIndex}) skips every equality delete for it: updated rows would be read twice.
 * Without bounds the check assumes an overlap. Metrics mode {@code counts} is Iceberg's own switch for that;
 * it also keeps Iceberg's readers from pruning files wrongly on UUID key predicates, at the price of no pruning
 * on those columns at all.
 */
final class UuidKeyBounds {
  private static final Logger LOG = LoggerFactory.getLogger(UuidKeyBounds.class);

  private UuidKeyBounds() {}

  /**
   * Sets metrics mode {@code counts} on every UUID column among {@code keyFields} that lacks it (one metadata
   * commit, when anything is missing).
   *
   * @throws RuntimeException as Iceberg throws it when that commit fails
   */
  static void dropBounds(Table table, List<Types.NestedField> keyFields, String tableName) {
    UpdateProperties update = null;
    String counts = MetricsModes.Counts.get().toString();
    for (Types.NestedField field : keyFields) {
      String property = TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + field.name();
      if (field.type().typeId() == Type.TypeID.UUID && !counts.equals(table.properties().get(property))) {
        update = update == null ? table.updateProperties() : update;
        update.set(property, counts);
        LOG.info("Setting {}={} on table {}: Iceberg compares UUID bounds inconsistently, which would make "
            + "equality deletes on key column '{}' be skipped", property, counts, tableName, field.name());
      }
    }
    if (update != null) {
      update.commit();
    }
  }
}
