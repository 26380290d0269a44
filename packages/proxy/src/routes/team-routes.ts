import { sendJson } from "../http/http-io.js";
import type { Route } from "../http/route-table.js";
import { teamDeleteSchema, teamNewSchema, teamUpdateSchema } from "../keys/key-records.js";
import type { ProxyServices } from "../pipeline/services.js";
import { keyAdmin, queryParam, readAdminBody } from "./admin-access.js";

/** LiteLLM's team endpoints, master key only: a team's models, limits and budget hold for all its keys together. */
export function teamRoutes(s: ProxyServices): Route[] {
  return [
    {
      method: "POST",
      pattern: "/team/new",
      unprefixed: true,
      handler: async (route) => sendJson(route.res, 200, await keyAdmin(s).newTeam(await readAdminBody(s, route, teamNewSchema))),
    },
    {
      method: "GET",
      pattern: "/team/info",
      unprefixed: true,
      handler: async (route) => {
        const { team, keys } = await keyAdmin(s).teamInfo(queryParam(route, "team_id"));
        sendJson(route.res, 200, { team_id: team.team_id, team_info: team, keys });
      },
    },
    {
      method: "POST",
      pattern: "/team/update",
      unprefixed: true,
      handler: async (route) => sendJson(route.res, 200, await keyAdmin(s).updateTeam(await readAdminBody(s, route, teamUpdateSchema))),
    },
    {
      method: "POST",
      pattern: "/team/delete",
      unprefixed: true,
      handler: async (route) => {
        const { team_ids: teamIds } = await readAdminBody(s, route, teamDeleteSchema);
        await keyAdmin(s).deleteTeams(teamIds);
        sendJson(route.res, 200, { deleted_teams: teamIds });
      },
    },
    { method: "GET", pattern: "/team/list", unprefixed: true, handler: async (route) => sendJson(route.res, 200, await keyAdmin(s).listTeams()) },
  ];
}
