package io.sluice.destination.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.Destination;
import io.sluice.spi.DestinationFactory;
import io.sluice.spi.config.ConfigSpec;

/**
 * Entry point of the Apache Iceberg destination ({@code "type": "iceberg"}): tables in a local warehouse
 * directory tracked by a JDBC catalog (SQLite in the warehouse by default). Found through
 * {@link java.util.ServiceLoader}.
 */
public final class IcebergDestinationFactory implements DestinationFactory {

  @Override
  public String type() {
    return "iceberg";
  }

  @Override
  public ConfigSpec spec() {
    return IcebergConfig.spec();
  }

  /** Maps the validated config; connects nothing until a check or the first stream. */
  @Override
  public Destination create(JsonNode config) {
    return new IcebergDestination(IcebergConfig.from(config));
  }
}
