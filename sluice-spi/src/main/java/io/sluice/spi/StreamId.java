package io.sluice.spi;

import java.util.Objects;

/** Names a stream: a table, collection or topic. {@code namespace} is a schema or database; may be empty. */
public record StreamId(String namespace, String name) {
  public StreamId {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static StreamId of(String namespace, String name) {
    return new StreamId(namespace, name);
  }

  /** {@code namespace.name}, or {@code name} when there is no namespace. For messages and state keys. */
  @Override
  public String toString() {
    return namespace.isEmpty() ? name : namespace + "." + name;
  }
}
