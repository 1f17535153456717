/**
 * In the field: the grid worker's phone ({@code /m/}) with its photos ({@link cn.gridmap.field.Photos}) and patrols
 * with their tracks and the micro-grids they visited ({@link cn.gridmap.field.Patrols}); the programmes cities run on
 * their grids grow here. It calls the event loop's, the regions' and the lookup's services, never their tables.
 */
package cn.gridmap.field;
