/*
 * options.c - the _init functions beside the _INIT macros of stepwise.h,
 * so that hosts using a foreign-function interface need no macros.
 */
#include "internal.h"

/* Defines sw_NAME_init: *opts = INIT when version is VERSION. */
#define SW_OPTIONS_INIT_FN(name, type, init, ver)                  \
	int name(type *opts, unsigned int version)                 \
	{                                                          \
		if (!opts || version != (ver))                     \
			return SW_EINVALID;                        \
		*opts = (type)init;                                \
		return SW_OK;                                      \
	}

SW_OPTIONS_INIT_FN(sw_engine_options_init, sw_engine_options, SW_ENGINE_OPTIONS_INIT,
                   SW_ENGINE_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_pupil_data_init, sw_pupil_data, SW_PUPIL_DATA_INIT, SW_PUPIL_DATA_VERSION)
SW_OPTIONS_INIT_FN(sw_evidence_data_init, sw_evidence_data, SW_EVIDENCE_DATA_INIT,
                   SW_EVIDENCE_DATA_VERSION)
SW_OPTIONS_INIT_FN(sw_load_options_init, sw_load_options, SW_LOAD_OPTIONS_INIT,
                   SW_LOAD_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_eval_options_init, sw_eval_options, SW_EVAL_OPTIONS_INIT,
                   SW_EVAL_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_cohort_options_init, sw_cohort_options, SW_COHORT_OPTIONS_INIT,
                   SW_COHORT_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_passport_options_init, sw_passport_options, SW_PASSPORT_OPTIONS_INIT,
                   SW_PASSPORT_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_case_import_options_init, sw_case_import_options,
                   SW_CASE_IMPORT_OPTIONS_INIT, SW_CASE_IMPORT_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_case_export_options_init, sw_case_export_options,
                   SW_CASE_EXPORT_OPTIONS_INIT, SW_CASE_EXPORT_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_oneroster_options_init, sw_oneroster_options, SW_ONEROSTER_OPTIONS_INIT,
                   SW_ONEROSTER_OPTIONS_VERSION)
SW_OPTIONS_INIT_FN(sw_service_options_init, sw_service_options, SW_SERVICE_OPTIONS_INIT,
                   SW_SERVICE_OPTIONS_VERSION)
