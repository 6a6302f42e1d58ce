package io.sluice.destination.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.junit.jupiter.api.Test;

class TestIcebergCommitFailures {

  @Test
  void eachFailureGetsItsKindAndACannotMessage() {
    assertKind(new CommitStateUnknownException(new RuntimeException("socket closed")), ErrorKind.COMMIT_UNKNOWN);
    assertKind(new CommitFailedException("Cannot commit: stale metadata"), ErrorKind.TRANSIENT);
    assertKind(new UncheckedSQLException(new SQLException("database is locked"), "Failed"), ErrorKind.TRANSIENT);
    assertKind(new NoSuchTableException("Table does not exist: sales.orders"), ErrorKind.PERMANENT);
    assertKind(new ValidationException("Found conflicting files"), ErrorKind.PERMANENT);
    assertKind(new UncheckedIOException(new IOException("No space left on device")), ErrorKind.PERMANENT);
    assertKind(new IllegalStateException("bug"), ErrorKind.INTERNAL);
  }

  @Test
  void aSluiceExceptionPassesThrough() {
    SluiceException original = new SluiceException(ErrorKind.CONFIG, "Cannot x: y");
    assertThat(IcebergCommitFailures.classify("commit to sales.orders", original)).isSameAs(original);
  }

  private static void assertKind(RuntimeException failure, ErrorKind kind) {
    SluiceException classified = IcebergCommitFailures.classify("commit to sales.orders", failure);
    assertThat(classified.kind()).as(failure.toString()).isEqualTo(kind);
    assertThat(classified.getMessage()).startsWith("Cannot commit to sales.orders: ");
    assertThat(classified.getCause()).isSameAs(failure);
  }
}
