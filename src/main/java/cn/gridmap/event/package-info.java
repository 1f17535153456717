/**
 * Events to grid workers: staffing and absences ({@link cn.gridmap.event.Staffing}), intake and routing with the
 * near-boundary adjudication and duplicates ({@link cn.gridmap.event.EventService}), the closed loop as a table
 * ({@link cn.gridmap.event.Loop}) with its stages, deadlines on the workday calendar ({@link cn.gridmap.event.WorkClock},
 * {@link cn.gridmap.event.Deadlines}) and append-only log, the escalation and re-dispatch jobs
 * ({@link cn.gridmap.event.Escalation}), the metrics ({@link cn.gridmap.event.EventMetrics}), Open311 GeoReport v2
 * ({@link cn.gridmap.event.Open311}) and the bulk entry of 12345 orders ({@link cn.gridmap.event.LoopEntry}).
 */
package cn.gridmap.event;
