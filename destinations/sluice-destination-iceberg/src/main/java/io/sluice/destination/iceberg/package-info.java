/**
 * The Apache Iceberg destination. Only {@link io.sluice.destination.iceberg.IcebergDestinationFactory} is
 * public; the rest is package-private:
 *
 * <ul>
 *   <li>{@code IcebergConfig}: the config spec, its defaults and the validated record.
 *   <li>{@code IcebergCatalogFactory}, {@code LocalFileIO}: the JDBC catalog (SQLite in the warehouse by
 *       default) over a java.nio file layer that fsyncs what a commit references; Hadoop's FileSystem is never
 *       used.
 *   <li>{@code IcebergTableProvisioner}, {@code IcebergTypeMapping}, {@code PartitionSpecParser}: create or
 *       evolve the table a stream writes to.
 *   <li>{@code IcebergStreamWriter}, {@code IcebergRecordMapper}, {@code IcebergValueConverters}: events to
 *       Iceberg records to one Iceberg commit per checkpoint; {@code StreamWriter.evolve} rebuilds the table's
 *       layout after the provisioner followed the stream's new columns.
 *   <li>{@code IcebergChangeMetadata}: the {@code _sluice_} columns of cdc streams (operation, source time, sync
 *       time, and the soft-delete flag with {@code delete_mode} soft).
 *   <li>{@code IcebergRowWriter}: records to files. {@code IcebergInsertWriter} adds rows (APPEND, REPLACE);
 *       {@code IcebergUpsertWriter} applies them by key (UPSERT) with equality deletes
 *       ({@code IcebergEqualityDeleteWriter}, in the spec {@code EqualityDeleteScope} picks) and position deletes
 *       or deletion vectors. Both write data through {@code IcebergDataFileWriter}; open files are kept per
 *       partition by {@code RollingFilesByPartition}.
 *   <li>{@code CommitTarget}: {@code MainBranchTarget} (append, upsert) and {@code StagingBranchTarget} (full
 *       refresh staged on a branch and swapped in by {@code publish}).
 *   <li>{@code IcebergCommitFailures}: Iceberg exceptions to Sluice's error kinds.
 * </ul>
 *
 * <p>Every commit's snapshot summary carries {@code sluice.checkpoint} and {@code sluice.load-id}: the table is
 * the record of what was committed, which is how a run after a crash, or after an unknown commit outcome,
 * finds where to resume.
 */
package io.sluice.destination.iceberg;
