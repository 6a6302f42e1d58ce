package io.sluice.destination.iceberg;

import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.UncheckedIOException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.jdbc.UncheckedSQLException;

/**
 * Classifies what an Iceberg commit threw into the one error taxonomy.
 *
 * <p>Iceberg's contract: a catalog throws {@link CommitStateUnknownException} when it cannot tell whether the
 * metadata swap happened, and {@code CleanableFailure}s when it surely did not. Anything else may come from after
 * the swap (seen: a task rejected by Iceberg's worker pool, stopped by a shutdown hook), so
 * {@link IcebergStreamWriter} reads the table again before it treats the commit as failed.
 */
final class IcebergCommitFailures {
  private IcebergCommitFailures() {}

  /**
   * The exception to throw for {@code failure}, raised while doing {@code action} (e.g. "commit to sales.orders",
   * completing the message "Cannot ...").
   */
  static SluiceException classify(String action, RuntimeException failure) {
    if (failure instanceof SluiceException sluice) {
      return sluice;
    }
    String message = "Cannot " + action + ": " + failure.getMessage();
    if (failure instanceof CommitStateUnknownException) {
      return new SluiceException(ErrorKind.COMMIT_UNKNOWN, "Cannot " + action
          + ": the catalog may or may not have applied the commit (" + failure.getMessage()
          + "); the next run resolves it from the table's snapshots", failure);
    }
    if (failure instanceof CommitFailedException
        || failure instanceof ServiceUnavailableException
        || failure instanceof UncheckedSQLException) {
      // Conflicts that outlasted Iceberg's own retries, an overloaded catalog, a dropped or locked catalog
      // database connection: all may pass.
      return new SluiceException(ErrorKind.TRANSIENT, message, failure);
    }
    if (failure instanceof NoSuchTableException
        || failure instanceof NotFoundException
        || failure instanceof ValidationException
        || failure instanceof ForbiddenException
        || failure instanceof NotAuthorizedException
        || failure instanceof UncheckedIOException) {
      return new SluiceException(ErrorKind.PERMANENT, message, failure);
    }
    return new SluiceException(ErrorKind.INTERNAL, message, failure);
  }
}
