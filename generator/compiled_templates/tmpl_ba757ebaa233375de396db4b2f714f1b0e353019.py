from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_add_foreign_key.sql.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_foreign_key = resolve('foreign_key')
    try:
        t_1 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    pass
    yield '-- AddForeignKey\nALTER TABLE '
    yield str(environment.getattr(environment.getattr((undefined(name='foreign_key') if l_0_foreign_key is missing else l_0_foreign_key), 'table'), 'sql'))
    yield ' ADD CONSTRAINT '
    yield str(t_1(environment.getattr((undefined(name='foreign_key') if l_0_foreign_key is missing else l_0_foreign_key), 'name')))
    yield ' FOREIGN KEY ('
    yield str(environment.getattr((undefined(name='foreign_key') if l_0_foreign_key is missing else l_0_foreign_key), 'column_list'))
    yield ') REFERENCES '
    yield str(environment.getattr(environment.getattr((undefined(name='foreign_key') if l_0_foreign_key is missing else l_0_foreign_key), 'referenced_table'), 'sql'))
    yield '('
    yield str(environment.getattr((undefined(name='foreign_key') if l_0_foreign_key is missing else l_0_foreign_key), 'referenced_column_list'))
    yield ') ON DELETE '
    yield str(environment.getattr((undefined(name='foreign_key') if l_0_foreign_key is missing else l_0_foreign_key), 'on_delete'))
    yield ' ON UPDATE '
    yield str(environment.getattr((undefined(name='foreign_key') if l_0_foreign_key is missing else l_0_foreign_key), 'on_update'))
    yield ';\n'

blocks = {}
debug_info = '2=19'