// The rationing module's public surface (issue 6 part 3; Postgres schema `rationing`): rationed
// distribution in a crisis, after Korea's 2020 public face masks. Programmes (item, per-person
// limit per period, purchase-day rule), outlets with API keys that report stock and sell at the
// counter (the limit holds under concurrent sales: decided in Postgres), each sale audited as a
// use of the buyer's data, the open real-time stock dataset (JSON and server-sent events), and a
// public map. Other modules use `RationingService` (sell, reportStock, stock, stockSince, stream).
export { RationingService, SALE_ACTION, STOCK_REPORT_ACTION, OUTLET_KEY_ACTION, SALES_ORGANISATION } from './service';
export type { Buyer, OperatorContext, Outlet, OutletStock, Programme, SaleReceipt, SaleRequest, StockReport, StockSnapshot } from './service';
export { StockStream, COALESCE_MS } from './stream';
export type { StockChange, StockEvent } from './stream';
export { MASK_DAY_RULE, STOCK_BANDS, stockBand, mayBuyOn, periodStart, periodEnd, purchaseWeekdays } from './rules';
export type { DayRule, Period, StockBand } from './rules';
export { MASK_PROGRAMME, demoOutlets } from './seed';
export type { ProgrammeSpec, OutletSpec } from './seed';
export { REGIONS, regionAt } from './geo';
export { rationingRoutes } from './routes';
export { rationingPages } from './pages';
