import { Hono } from "hono";
import type { AppEnv } from "../http/types";

/** Admin API (/api/v1/...) and its docs (/api/docs). */
export const adminApp = new Hono<AppEnv>();
