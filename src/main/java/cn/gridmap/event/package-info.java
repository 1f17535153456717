/**
 * Events to grid workers: the closed loop with its deadlines. So far its clock: the workday calendar (public
 * holidays and adjusted working days as data) and deadline arithmetic in working days and working hours.
 */
package cn.gridmap.event;
