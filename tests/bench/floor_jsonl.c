/*
 * floor_jsonl.c - the JSON Lines floor of the benchmark: the least any
 * program can do with an evidence file in JSON Lines. It reads the file a
 * line at a time, parses each line with cJSON, reads the fields pupil,
 * skill, step, date, outcome and source, and throws everything away.
 *
 * usage: floor_jsonl FILE      prints "rows N checksum X"
 *
 * The checksum (lengths of the strings read, plus the steps) only keeps the
 * compiler from dropping the work; it means nothing.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <cJSON.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t text_len(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? (uint64_t)strlen(v->valuestring) : 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: floor_jsonl FILE\n");
		return 1;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t rows = 0, sum = 0, bad = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		cJSON *obj = cJSON_ParseWithLength(line, (size_t)n);
		if (!cJSON_IsObject(obj)) {
			bad++;
			cJSON_Delete(obj);
			continue;
		}
		const cJSON *step = cJSON_GetObjectItemCaseSensitive(obj, "step");
		sum += text_len(obj, "pupil") + text_len(obj, "skill") + text_len(obj, "date") +
		       text_len(obj, "outcome") + text_len(obj, "source");
		if (cJSON_IsNumber(step))
			sum += (uint64_t)step->valueint;
		rows++;
		cJSON_Delete(obj);
	}
	if (ferror(f)) {
		perror(argv[1]);
		return 1;
	}
	free(line);
	fclose(f);
	printf("rows %llu checksum %llu\n", (unsigned long long)rows, (unsigned long long)sum);
	if (bad) {
		fprintf(stderr, "floor_jsonl: %llu lines are not JSON objects\n",
		        (unsigned long long)bad);
		return 2;
	}
	return 0;
}
