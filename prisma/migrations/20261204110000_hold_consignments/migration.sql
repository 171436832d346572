-- The consignments `ids`, locked in id order with their destinations share-locked (as a location naming a
-- site locks it), each read with both sites and its lines once the locks are held: the second query of a
-- volatile function sees what a transaction it waited for committed, where a statement that locked and
-- read at once would read the lines as of before the wait. The lines come as one array per column, and
-- which of them were on the list as the subset of their cartridges (the embedded database's driver reads
-- no boolean arrays).
CREATE FUNCTION backup_hold_consignments(ids TEXT[])
  RETURNS TABLE (id TEXT, number TEXT, "fromSiteId" TEXT, "toSiteId" TEXT, "containerId" TEXT, notes TEXT,
    state TEXT, "needsApproval" BOOLEAN, "dispatchedAt" TIMESTAMP(3), "dispatchedById" TEXT, "courierName" TEXT,
    "sealNumbers" TEXT[], "receivedAt" TIMESTAMP(3), "receivedByName" TEXT, "receiverName" TEXT,
    "sealIntact" BOOLEAN, "receivedSealNumbers" TEXT[], "sealDiscrepancy" TEXT, "from" JSON, "to" JSON,
    "lineTapeId" TEXT[], "lineBarcode" TEXT[], "lineExpectedTapeId" TEXT[], "lineScannedOutAt" TIMESTAMP(3)[],
    "lineScannedInAt" TIMESTAMP(3)[], "lineLostAt" TIMESTAMP(3)[], "lineResolvedAt" TIMESTAMP(3)[])
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM backup_consignment c JOIN backup_site t ON t.id = c.to_site_id
    WHERE c.id = ANY(ids) ORDER BY c.id FOR UPDATE OF c FOR SHARE OF t;
  RETURN QUERY
    SELECT c.id, c.number, c.from_site_id, c.to_site_id, c.container_id, c.notes, c.state::text,
      c.needs_approval, c.dispatched_at, c.dispatched_by_id, c.courier_name, c.seal_numbers, c.received_at,
      c.received_by_name, c.receiver_name, c.seal_intact, c.received_seal_numbers, c.seal_discrepancy,
      json_build_object('id', f.id, 'name', f.name, 'kind', f.kind, 'active', f.active,
        'serviceProvider', f.service_provider, 'defaultCustodian', f.default_custodian),
      json_build_object('id', t.id, 'name', t.name, 'kind', t.kind, 'active', t.active,
        'serviceProvider', t.service_provider, 'defaultCustodian', t.default_custodian),
      coalesce(l.tape_ids, '{}'), coalesce(l.barcodes, '{}'), coalesce(l.expected_tape_ids, '{}'),
      coalesce(l.scanned_out_at, '{}'), coalesce(l.scanned_in_at, '{}'), coalesce(l.lost_at, '{}'),
      coalesce(l.resolved_at, '{}')
    FROM backup_consignment c
    JOIN backup_site f ON f.id = c.from_site_id
    JOIN backup_site t ON t.id = c.to_site_id
    LEFT JOIN LATERAL (
      SELECT array_agg(l.tape_id) AS tape_ids, array_agg(tape.barcode) AS barcodes,
        array_agg(l.tape_id) FILTER (WHERE l.expected) AS expected_tape_ids, array_agg(l.scanned_out_at) AS scanned_out_at,
        array_agg(l.scanned_in_at) AS scanned_in_at, array_agg(l.lost_at) AS lost_at,
        array_agg(l.resolved_at) AS resolved_at
      FROM backup_consignment_tape l JOIN backup_tape_cartridge tape ON tape.id = l.tape_id
      WHERE l.consignment_id = c.id
    ) l ON true
    WHERE c.id = ANY(ids)
    ORDER BY c.id;
END
$$;
