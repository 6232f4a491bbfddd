package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/trend"
)

// Anomaly is a stored stage-3 anomaly with its description.
type Anomaly struct {
	trend.Anomaly
	Description string
}

// SaveAnomalies replaces the cycle's anomalies with these.
func (s *Store) SaveAnomalies(ctx context.Context, cycleID uuid.UUID, anomalies []Anomaly) error {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM cycle_anomalies WHERE cycle_id = $1`, cycleID); err != nil {
			return err
		}
		for _, a := range anomalies {
			if _, err := tx.Exec(ctx, `INSERT INTO cycle_anomalies
				(cycle_id, metric, currency, value, baseline, change_bp, threshold_bp, cycles, description)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				cycleID, a.Metric, a.Currency, a.Value, a.Baseline, a.ChangeBP, a.ThresholdBP, a.Cycles, a.Description); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store anomalies of cycle %s: %w", cycleID, err)
	}
	return nil
}

var metricOrder = []string{trend.MetricVolume, trend.MetricGGR, trend.MetricRejectRate, trend.MetricDiscrepancyRate}

// Anomalies lists the cycle's anomalies in the order stage 3 found them:
// volume, GGR by currency, then the rates.
func (s *Store) Anomalies(ctx context.Context, cycleID uuid.UUID) ([]Anomaly, error) {
	rows, err := s.Pool.Query(ctx, `SELECT metric, currency, value, baseline, change_bp, threshold_bp, cycles, description
		FROM cycle_anomalies WHERE cycle_id = $1
		ORDER BY array_position($2::text[], metric), currency`, cycleID, metricOrder)
	if err != nil {
		return nil, fmt.Errorf("anomalies of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Anomaly, error) {
		var a Anomaly
		err := r.Scan(&a.Metric, &a.Currency, &a.Value, &a.Baseline, &a.ChangeBP, &a.ThresholdBP, &a.Cycles, &a.Description)
		a.Compared = true
		return a, err
	})
}
