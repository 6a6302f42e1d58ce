package io.sluice.destination.iceberg;

import io.sluice.spi.CheckResult;
import io.sluice.spi.CheckResult.Probe;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.Table;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * The Iceberg destination: a warehouse directory and a JDBC catalog. The catalog is opened on first use and
 * shared by every stream ({@link #openStream} may run on several threads); each writer has its own table
 * handle.
 */
final class IcebergDestination implements Destination {
  private final IcebergConfig config;
  private JdbcCatalog catalog;

  IcebergDestination(IcebergConfig config) {
    this.config = config;
  }

  /** Probes the warehouse (exists or can be created, writable) and the catalog (opens, lists namespaces). */
  @Override
  public CheckResult check() {
    List<Probe> probes = new ArrayList<>();
    probes.add(probeWarehouse());
    probes.add(probeCatalog());
    return new CheckResult(probes);
  }

  private Probe probeWarehouse() {
    Path warehouse = config.warehouse();
    try {
      Files.createDirectories(warehouse);
      Path probe = warehouse.resolve(".sluice-check-" + UUID.randomUUID());
      Files.writeString(probe, "sluice");
      Files.delete(probe);
      return Probe.pass("warehouse", "Warehouse " + warehouse + " is writable");
    } catch (IOException | SecurityException e) {
      return Probe.fail("warehouse", "Cannot write to warehouse " + warehouse + ": " + IcebergCatalogFactory.reason(e)
          + "; create the directory or let the user running Sluice write to it");
    }
  }

  private Probe probeCatalog() {
    String where = IcebergConfig.withoutCredentials(config.catalog().uri());
    try (JdbcCatalog probe = IcebergCatalogFactory.open(config)) {
      int namespaces = probe.listNamespaces().size();
      return Probe.pass("catalog", "Catalog " + config.catalog().name() + " at " + where + " opened; it has "
          + namespaces + " namespaces");
    } catch (UncheckedIOException e) {
      return Probe.fail("catalog", "Cannot open catalog at " + where + ": " + e.getMessage()
          + "; fix the warehouse first");
    } catch (RuntimeException e) {
      return Probe.fail("catalog", "Cannot open catalog at " + where + ": " + config.catalog().redact(rootMessage(e))
          + "; check catalog.uri, catalog.username and catalog.password, and that the database is reachable");
    }
  }

  /**
   * Creates or evolves the table, then opens a writer.
   *
   * @throws io.sluice.spi.ConfigException for bad partitioning or key columns
   * @throws SluiceException CONFIG for incompatible schema changes, and for {@link WriteMode#UPSERT} without a
   *     usable primary key or into a table of format version 1
   */
  @Override
  public StreamWriter openStream(WriteRequest request) {
    String tableName = IcebergTableProvisioner.identifier(request.stream()).toString();
    if (request.mode() == WriteMode.UPSERT) {
      IcebergUpsertWriter.checkStream(request.stream(), tableName);
    }
    CommitTarget target = switch (request.mode()) {
      case REPLACE -> new StagingBranchTarget(request.loadId(), tableName);
      case APPEND, UPSERT -> new MainBranchTarget();
    };
    IcebergStreamWriter.LayoutFactory layouts =
        (stream, previous) -> layout(stream, previous, request.mode(), tableName);
    IcebergStreamWriter.Layout layout = layouts.open(request.stream(), null);
    if (target instanceof StagingBranchTarget staging) {
      try {
        staging.removeStaleBranches(layout.table());
      } catch (RuntimeException e) {
        throw IcebergCommitFailures.classify("prepare table " + tableName, e);
      }
    }
    return new IcebergStreamWriter(layout, tableName, request.loadId(), request.mode(), target, layouts);
  }

  /**
   * Creates or evolves the table for {@code stream} and builds what writes rows into it; {@code previous} is the
   * layout of the stream's columns so far when they changed while streaming, else null.
   */
  private IcebergStreamWriter.Layout layout(StreamSpec stream, IcebergStreamWriter.Layout previous, WriteMode mode,
      String tableName) {
    StreamSpec tableStream = IcebergChangeMetadata.tableStream(stream, config.softDeletes());
    JdbcCatalog openCatalog = catalog();
    IcebergTableProvisioner provisioner = new IcebergTableProvisioner(openCatalog, openCatalog, config);
    Table table;
    IcebergRowWriter rows;
    try {
      table = previous == null || previous.stream() == null
          ? provisioner.prepare(tableStream)
          : provisioner.follow(previous.stream(), tableStream);
      rows = mode == WriteMode.UPSERT
          ? IcebergUpsertWriter.open(table, tableStream, tableName, config.targetFileSizeBytes())
          : new IcebergInsertWriter(table, config.targetFileSizeBytes());
    } catch (SluiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw IcebergCommitFailures.classify("create or evolve table " + tableName, e);
    }
    IcebergRecordMapper mapper = new IcebergRecordMapper(tableName, table.schema(), tableStream.columns());
    return new IcebergStreamWriter.Layout(stream, table, mapper, rows,
        IcebergChangeMetadata.of(stream, config.softDeletes()));
  }

  private synchronized JdbcCatalog catalog() {
    if (catalog == null) {
      try {
        catalog = IcebergCatalogFactory.open(config);
      } catch (RuntimeException e) {
        // No cause: driver messages and stack traces may quote the URL with its credentials.
        throw new SluiceException(ErrorKind.PERMANENT, "Cannot open catalog at "
            + IcebergConfig.withoutCredentials(config.catalog().uri()) + ": " + config.catalog().redact(rootMessage(e))
            + "; run sluice check --destination for details");
      }
    }
    return catalog;
  }

  @Override
  public synchronized void close() {
    if (catalog != null) {
      catalog.close();
      catalog = null;
    }
  }

  /** The failure's message and, when it adds something, its root cause's: drivers hide the useful part there. */
  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    String inner = root.getMessage();
    return inner == null || outer.contains(inner) ? outer : outer + ": " + inner;
  }

}
