export * from "./identity";
export * from "./regions";
export * from "./tickets";
export * from "./councils";
export * from "./notifications";
export * from "./realtime";
export * from "./insights";
export * from "./plans";
