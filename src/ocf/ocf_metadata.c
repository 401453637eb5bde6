// SPDX-License-Identifier: LGPL-2.1-or-later
/* OCF 1.1 meta-data generated from an agent's tables (ra-api-1.1.rng). */
#include <errno.h>

#include "ocf/ocf.h"

/* Escapes text for XML character data and attribute values. */
static void put_escaped(FILE *out, const char *text)
{
	for (const char *c = text; c != NULL && *c != '\0'; c++) {
		switch (*c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			fputc(*c, out);
		}
	}
}

static void put_desc(FILE *out, const char *indent, const char *tag, const char *text)
{
	fprintf(out, "%s<%s lang=\"en\">", indent, tag);
	put_escaped(out, text);
	fprintf(out, "</%s>\n", tag);
}

static const char *type_name(enum vnfha_param_type type)
{
	switch (type) {
	case VNFHA_PARAM_INTEGER:
		return "integer";
	case VNFHA_PARAM_BOOLEAN:
		return "boolean";
	case VNFHA_PARAM_SELECT:
		return "select";
	case VNFHA_PARAM_STRING:
		break;
	}
	return "string";
}

static void put_param(FILE *out, const struct vnfha_param *p)
{
	fprintf(out, "  <parameter name=\"%s\" required=\"%d\" reloadable=\"%d\"", p->name,
		p->required ? 1 : 0, p->reloadable ? 1 : 0);
	if (p->unique_group != NULL) {
		fprintf(out, " unique-group=\"%s\"", p->unique_group);
	}
	fputs(">\n", out);
	if (p->refused != NULL) {
		/* OCF 1.1: a parameter kept only to be refused is deprecated. */
		fputs("   <deprecated>\n", out);
		put_desc(out, "    ", "desc", p->refused);
		fputs("   </deprecated>\n", out);
	}
	put_desc(out, "   ", "longdesc", p->longdesc ? p->longdesc : p->shortdesc);
	put_desc(out, "   ", "shortdesc", p->shortdesc);
	fprintf(out, "   <content type=\"%s\"", type_name(p->type));
	if (p->dflt != NULL) {
		fputs(" default=\"", out);
		put_escaped(out, p->dflt);
		fputc('"', out);
	}
	if (p->type == VNFHA_PARAM_SELECT && p->options != NULL) {
		fputs(">\n", out);
		for (const char *const *o = p->options; *o != NULL; o++) {
			fputs("    <option value=\"", out);
			put_escaped(out, *o);
			fputs("\"/>\n", out);
		}
		fputs("   </content>\n", out);
	} else {
		fputs("/>\n", out);
	}
	fputs("  </parameter>\n", out);
}

static void put_action(FILE *out, const char *name, const struct vnfha_action *a)
{
	fprintf(out, "  <action name=\"%s\" timeout=\"%s\"", name, a && a->timeout ? a->timeout : "10s");
	if (a != NULL && a->interval != NULL) {
		fprintf(out, " interval=\"%s\"", a->interval);
	}
	if (a != NULL && a->depth != NULL) {
		fprintf(out, " depth=\"%s\"", a->depth);
	}
	if (a != NULL && a->role != NULL) {
		fprintf(out, " role=\"%s\"", a->role);
	}
	fputs("/>\n", out);
}

int vnfha_ocf_write_metadata(const struct vnfha_agent *agent, FILE *out)
{
	fputs("<?xml version=\"1.0\"?>\n", out);
	/* The conventional declaration every OCF agent prints; tools that
	 * validate by DTD (ocf-tester) look for it. */
	fputs("<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n", out);
	fprintf(out, "<resource-agent name=\"%s\" version=\"%s\">\n", agent->name, agent->version);
	fputs(" <version>1.1</version>\n", out);
	put_desc(out, " ", "longdesc", agent->longdesc);
	put_desc(out, " ", "shortdesc", agent->shortdesc);
	fputs(" <parameters>\n", out);
	for (size_t i = 0; i < agent->n_params; i++) {
		put_param(out, &agent->params[i]);
	}
	fputs(" </parameters>\n <actions>\n", out);
	for (size_t i = 0; i < agent->n_actions; i++) {
		put_action(out, agent->actions[i].name, &agent->actions[i]);
	}
	put_action(out, "meta-data", NULL);
	fputs(" </actions>\n</resource-agent>\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}
