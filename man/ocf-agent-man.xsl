<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: GPL-2.0-or-later -->
<!--
  An OCF 1.1 agent's meta-data (ra-api-1.1.rng) as a man(7) page, so the
  page says exactly what the agent says (DESIGN.md: generated, never
  drifting). Generic: any vnfha agent, see man/man.am.
  Parameters: provider (vnfha), date (page footer), package (name version).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:param name="provider" select="'vnfha'"/>
<xsl:param name="date" select="''"/>
<xsl:param name="package" select="'vnfha'"/>

<xsl:variable name="agent" select="/resource-agent/@name"/>
<xsl:variable name="page" select="concat('ocf_', $provider, '_', $agent)"/>
<xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>
<xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyz'"/>

<!-- Replaces every $from in $text by $to (XSLT 1.0 has no replace()). -->
<xsl:template name="replace">
	<xsl:param name="text"/>
	<xsl:param name="from"/>
	<xsl:param name="to"/>
	<xsl:choose>
		<xsl:when test="contains($text, $from)">
			<xsl:value-of select="concat(substring-before($text, $from), $to)"/>
			<xsl:call-template name="replace">
				<xsl:with-param name="text" select="substring-after($text, $from)"/>
				<xsl:with-param name="from" select="$from"/>
				<xsl:with-param name="to" select="$to"/>
			</xsl:call-template>
		</xsl:when>
		<xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
	</xsl:choose>
</xsl:template>

<!-- Text made safe for roff: one line, backslashes escaped, and "\&" first
     so a leading "." or "'" is never read as a request. -->
<xsl:template name="roff">
	<xsl:param name="text"/>
	<xsl:text>\&amp;</xsl:text>
	<xsl:call-template name="replace">
		<xsl:with-param name="text" select="normalize-space($text)"/>
		<xsl:with-param name="from" select="'\'"/>
		<xsl:with-param name="to" select="'\e'"/>
	</xsl:call-template>
</xsl:template>

<!-- A description with blank lines between paragraphs: one roff paragraph
     each; a paragraph that starts with "- " is a bullet item. -->
<xsl:template name="paragraphs">
	<xsl:param name="text"/>
	<xsl:param name="first" select="true()"/>
	<xsl:variable name="para">
		<xsl:choose>
			<xsl:when test="contains($text, '&#10;&#10;')">
				<xsl:value-of select="substring-before($text, '&#10;&#10;')"/>
			</xsl:when>
			<xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
		</xsl:choose>
	</xsl:variable>
	<xsl:if test="normalize-space($para) != ''">
		<xsl:choose>
			<xsl:when test="starts-with(normalize-space($para), '- ')">
				<xsl:text>.IP \(bu 2&#10;</xsl:text>
				<xsl:call-template name="roff">
					<xsl:with-param name="text"
						select="substring-after(normalize-space($para), '- ')"/>
				</xsl:call-template>
			</xsl:when>
			<xsl:otherwise>
				<xsl:if test="not($first)"><xsl:text>.PP&#10;</xsl:text></xsl:if>
				<xsl:call-template name="roff">
					<xsl:with-param name="text" select="$para"/>
				</xsl:call-template>
			</xsl:otherwise>
		</xsl:choose>
		<xsl:text>&#10;</xsl:text>
	</xsl:if>
	<xsl:if test="contains($text, '&#10;&#10;')">
		<xsl:call-template name="paragraphs">
			<xsl:with-param name="text" select="substring-after($text, '&#10;&#10;')"/>
			<xsl:with-param name="first" select="false()"/>
		</xsl:call-template>
	</xsl:if>
</xsl:template>

<xsl:template match="/resource-agent">
	<xsl:text>.\" Generated from the meta-data of ocf:</xsl:text>
	<xsl:value-of select="concat($provider, ':', $agent)"/>
	<xsl:text> by man/ocf-agent-man.xsl; do not edit.&#10;</xsl:text>
	<xsl:text>.TH </xsl:text>
	<xsl:value-of select="translate($page, $lower, $upper)"/>
	<xsl:value-of select="concat(' 7 &quot;', $date, '&quot; &quot;', $package,
			      '&quot; &quot;OCF resource agents&quot;&#10;')"/>
	<xsl:text>.SH NAME&#10;</xsl:text>
	<xsl:value-of select="$page"/>
	<xsl:text> \- </xsl:text>
	<xsl:call-template name="roff">
		<xsl:with-param name="text" select="shortdesc[1]"/>
	</xsl:call-template>
	<xsl:text>&#10;.SH SYNOPSIS&#10;</xsl:text>
	<xsl:for-each select="parameters/parameter">
		<xsl:if test="@required != '1'"><xsl:text>[</xsl:text></xsl:if>
		<xsl:value-of select="concat('\fBOCF_RESKEY_', @name, '\fR=\fI', content/@type, '\fR')"/>
		<xsl:if test="@required != '1'"><xsl:text>]</xsl:text></xsl:if>
		<xsl:text>&#10;</xsl:text>
	</xsl:for-each>
	<xsl:value-of select="concat('\fB', $agent, '\fR [')"/>
	<xsl:for-each select="actions/action[not(@name = preceding-sibling::action/@name)]">
		<xsl:if test="position() &gt; 1"><xsl:text> | </xsl:text></xsl:if>
		<xsl:value-of select="@name"/>
	</xsl:for-each>
	<xsl:text>]&#10;.SH DESCRIPTION&#10;</xsl:text>
	<xsl:call-template name="paragraphs">
		<xsl:with-param name="text" select="string(longdesc[1])"/>
	</xsl:call-template>
	<xsl:text>.SH SUPPORTED PARAMETERS&#10;</xsl:text>
	<xsl:apply-templates select="parameters/parameter"/>
	<xsl:text>.SH SUPPORTED ACTIONS&#10;</xsl:text>
	<xsl:text>The operation defaults the agent suggests (pcs resource create applies them):&#10;.PP&#10;</xsl:text>
	<xsl:apply-templates select="actions/action"/>
	<xsl:text>.SH EXAMPLE PCS&#10;.nf&#10;</xsl:text>
	<xsl:value-of select="concat('pcs resource create my-', $agent, ' ocf:', $provider, ':', $agent)"/>
	<xsl:call-template name="required-args"/>
	<xsl:text> \e&#10;    op monitor interval=</xsl:text>
	<xsl:call-template name="monitor-interval"/>
	<xsl:text>&#10;.fi&#10;.SH EXAMPLE CRM SHELL&#10;.nf&#10;</xsl:text>
	<xsl:value-of select="concat('crm configure primitive my-', $agent, ' ocf:', $provider, ':', $agent, ' \e&#10;    params')"/>
	<xsl:call-template name="required-args"/>
	<xsl:text> \e&#10;    op monitor interval=</xsl:text>
	<xsl:call-template name="monitor-interval"/>
	<xsl:text>&#10;.fi&#10;.SH SEE ALSO&#10;</xsl:text>
	<xsl:text>.BR crm_resource (8),&#10;.BR pcs (8),&#10;.BR crm (8)&#10;.PP&#10;</xsl:text>
	<xsl:text>The OCF Resource Agent API 1.1; this page is the output of&#10;</xsl:text>
	<xsl:value-of select="concat('.B ', $agent, ' meta-data&#10;')"/>
	<xsl:text>set in roff.&#10;</xsl:text>
</xsl:template>

<xsl:template name="required-args">
	<xsl:for-each select="parameters/parameter[@required = '1']">
		<xsl:value-of select="concat(' ', @name, '=\fI', translate(@name, $lower, $upper), '\fR')"/>
	</xsl:for-each>
</xsl:template>

<xsl:template name="monitor-interval">
	<xsl:variable name="m" select="actions/action[@name = 'monitor' and @interval][1]/@interval"/>
	<xsl:choose>
		<xsl:when test="$m"><xsl:value-of select="$m"/></xsl:when>
		<xsl:otherwise>10s</xsl:otherwise>
	</xsl:choose>
</xsl:template>

<xsl:template match="parameter">
	<xsl:text>.TP&#10;</xsl:text>
	<xsl:value-of select="concat('\fB', @name, '\fR')"/>
	<xsl:if test="@required = '1'"><xsl:text> (required)</xsl:text></xsl:if>
	<xsl:if test="@unique-group">
		<xsl:value-of select="concat(' (unique in group ', @unique-group, ')')"/>
	</xsl:if>
	<xsl:if test="@reloadable = '1'"><xsl:text> (reloadable)</xsl:text></xsl:if>
	<xsl:if test="deprecated"><xsl:text> (not supported)</xsl:text></xsl:if>
	<xsl:text>&#10;</xsl:text>
	<xsl:call-template name="roff">
		<xsl:with-param name="text" select="longdesc[1]"/>
	</xsl:call-template>
	<xsl:if test="deprecated/desc">
		<xsl:text>&#10;.br&#10;</xsl:text>
		<xsl:call-template name="roff">
			<xsl:with-param name="text" select="concat('Refused: ', deprecated/desc[1])"/>
		</xsl:call-template>
	</xsl:if>
	<xsl:text>&#10;.br&#10;</xsl:text>
	<xsl:value-of select="concat('Type: ', content/@type)"/>
	<xsl:if test="content/option">
		<xsl:text> (</xsl:text>
		<xsl:for-each select="content/option">
			<xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
			<xsl:call-template name="roff">
				<xsl:with-param name="text" select="@value"/>
			</xsl:call-template>
		</xsl:for-each>
		<xsl:text>)</xsl:text>
	</xsl:if>
	<xsl:if test="content/@default">
		<xsl:text>; default: </xsl:text>
		<xsl:call-template name="roff">
			<xsl:with-param name="text" select="content/@default"/>
		</xsl:call-template>
	</xsl:if>
	<xsl:text>&#10;</xsl:text>
</xsl:template>

<xsl:template match="action">
	<xsl:text>.TP&#10;</xsl:text>
	<xsl:value-of select="concat('\fB', @name, '\fR&#10;')"/>
	<xsl:value-of select="concat('timeout ', @timeout)"/>
	<xsl:if test="@interval"><xsl:value-of select="concat(', interval ', @interval)"/></xsl:if>
	<xsl:if test="@depth"><xsl:value-of select="concat(', depth (OCF_CHECK_LEVEL) ', @depth)"/></xsl:if>
	<xsl:if test="@role"><xsl:value-of select="concat(', role ', @role)"/></xsl:if>
	<xsl:if test="@start-delay"><xsl:value-of select="concat(', start-delay ', @start-delay)"/></xsl:if>
	<xsl:text>&#10;</xsl:text>
</xsl:template>

</xsl:stylesheet>
